//! Export of subgraphs: DOT, JSON (the load format), GraphML; SVG/PNG through Graphviz.
