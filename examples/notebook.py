# %% [markdown]
# # Faultline in a notebook
#
# The README's tour, asked from Python: each answer is a `faultline.Result`
# (a table in Jupyter) and a pandas DataFrame. Cells are marked `# %%`, so
# Jupyter (through jupytext), VS Code and Spyder open this as a notebook;
# `python examples/notebook.py` runs it as a script.
#
# Install the package first: `pip install ./python pandas matplotlib`.

# %%
import argparse
import sys

import faultline

args = argparse.ArgumentParser(description="The README tour from Python.")
args.add_argument("--plot", metavar="PNG", help="save the chart here instead of showing it")
args.add_argument("--no-plot", action="store_true", help="skip the chart")
args.add_argument("--quiet", action="store_true", help="print nothing but failures")
opts, _ = args.parse_known_args()


def show(title, result):
    if opts.quiet:
        return
    print(f"\n## {title}")
    try:
        print(result.to_pandas().to_string(index=False))
    except ImportError:  # pandas is optional; the result prints on its own
        print(result)


g = faultline.open()  # the bundled graph
if not opts.quiet:
    print(g)

# %% Which firms are headquartered in Taiwan?
taiwan = g.query(
    "match (f:Firm)-[:LOCATED_IN]->(:Nation {name: $nation}) "
    "return f.name as firm, f.founded order by firm",
    nation="Taiwan",
)
show("Firms headquartered in Taiwan", taiwan)

# %% Which US firms depend, within 4 hops, on something located in Taiwan?
us = g.query(
    'match (f:Firm)-[:LOCATED_IN]->(:Nation {name: "United States"}), '
    "(f)-[:DEPENDS_ON*1..4]->(x)-[:LOCATED_IN]->(:Nation {name: $nation}) "
    "return f.name as firm, count(distinct x) as taiwan_suppliers "
    "order by taiwan_suppliers desc, firm limit 8",
    nation="Taiwan",
)
show("US firms with suppliers in Taiwan", us)

# %% How exposed is NVIDIA to Taiwan, and to China, and through what?
for nation in ["Taiwan", "China"]:
    show(f"NVIDIA's exposure to {nation}", g.query("exposure of $firm to $n", firm="NVIDIA", n=nation))

# %% Where are the single points of failure of Microsoft's AI compute?
chokepoints = g.query('chokepoints of "Microsoft" kinds Firm, Technology top 8')
show("Microsoft's chokepoints", chokepoints)

# %% Which firms outside Taiwan would a blockade of Taiwan hit hardest?
show("A blockade of Taiwan", g.query('impact of "Taiwan" on (f:Firm) excluding members top 5'))

# %% If the US and China decouple, what does the decoupling itself cost each firm?
# The scenario stays defined on `g` for the cells after this one.
g.query('scenario decoupling = decouple "United States" and "China"')
decoupling = g.query("impact of decoupling on (f:Firm) top 8")
show("Decoupling the US and China", decoupling)

# %% One answer as a chart: Microsoft's chokepoints.
if not opts.no_plot:
    try:
        import matplotlib

        if opts.plot:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: skipping the chart (pip install matplotlib)", file=sys.stderr)
    else:
        # The set itself comes first (loss 1): chart the others.
        rows = [(n.name, loss) for n, _kind, loss in chokepoints if n.name != "Microsoft"]
        names = [name for name, _ in rows]
        scores = [loss for _, loss in rows]
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.barh(names[::-1], scores[::-1], color="#c0392b")
        ax.set_xlabel("loss: the fraction of Microsoft's output that stops if the node fails")
        ax.set_title("Single points of failure of Microsoft's AI compute")
        fig.tight_layout()
        if opts.plot:
            fig.savefig(opts.plot, dpi=100)
            if not opts.quiet:
                print(f"\nchart saved to {opts.plot}")
        else:
            plt.show()
