//! Reading a raw source table: a CSV file with a header, cells looked up by
//! column name, every row remembering its line so problems can point at it.

use std::path::{Path, PathBuf};

use super::ImportError;

/// One raw CSV table, fully read.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// The file it came from (for messages).
    pub path: PathBuf,
    /// The file's short name (`provision.csv`), used in `source` strings and reports.
    pub file: String,
    headers: Vec<String>,
    rows: Vec<Row>,
}

/// One data row of a [`Table`].
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// 1-based line of the row's first character in the file.
    pub line: u64,
    cells: Vec<String>,
}

impl Table {
    /// Reads `dir/file`.
    pub fn read(dir: &Path, file: &str) -> Result<Table, ImportError> {
        let path = dir.join(file);
        let bytes = std::fs::read(&path).map_err(|source| ImportError::Io {
            path: path.clone(),
            source,
        })?;
        Table::parse(&path, file, &bytes)
    }

    /// Reads each of `files` from `dir`, in order.
    pub fn read_all<const N: usize>(
        dir: &Path,
        files: [&str; N],
    ) -> Result<[Table; N], ImportError> {
        let tables = files
            .iter()
            .map(|file| Table::read(dir, file))
            .collect::<Result<Vec<Table>, ImportError>>()?;
        Ok(tables
            .try_into()
            .unwrap_or_else(|_| unreachable!("one table per file")))
    }

    /// Parses CSV bytes (a UTF-8 byte-order mark is ignored).
    pub fn parse(path: &Path, file: &str, bytes: &[u8]) -> Result<Table, ImportError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(bytes);
        let csv_error = |e: csv::Error| ImportError::Csv {
            path: path.to_path_buf(),
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        };
        let headers: Vec<String> = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(csv_error)?;
            let line = record.position().map_or(0, csv::Position::line);
            rows.push(Row {
                line,
                cells: record.iter().map(str::to_string).collect(),
            });
        }
        Ok(Table {
            path: path.to_path_buf(),
            file: file.to_string(),
            headers,
            rows,
        })
    }

    /// The index of column `name`, or an error naming the file and the column.
    pub fn col(&self, name: &str) -> Result<Col, ImportError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .map(Col)
            .ok_or_else(|| ImportError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
            })
    }

    /// The indexes of the columns named in `names` (separated by commas),
    /// in that order; an error names the first one missing.
    pub fn cols<const N: usize>(&self, names: &str) -> Result<[Col; N], ImportError> {
        let cols = names
            .split(',')
            .map(|name| self.col(name.trim()))
            .collect::<Result<Vec<Col>, ImportError>>()?;
        let count = cols.len();
        cols.try_into().map_err(|_| ImportError::MissingColumn {
            path: self.path.clone(),
            column: format!("{N} columns (the importer asked for {count})"),
        })
    }

    /// The data rows, in file order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }
}

/// A column index checked against a table's header.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col(usize);

impl Row {
    /// The cell in column `c`, trimmed of surrounding whitespace.
    pub fn get(&self, c: Col) -> &str {
        self.cells.get(c.0).map_or("", |s| s.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_multiline_cells_and_remembers_lines() {
        let t = Table::parse(
            Path::new("t.csv"),
            "t.csv",
            b"\xEF\xBB\xBFa,b\n1,\"x\ny\"\n2, z \n",
        )
        .expect("valid csv");
        let a = t.col("a").expect("column a");
        let b = t.col("b").expect("column b");
        assert_eq!(t.rows().len(), 2);
        assert_eq!(t.rows()[0].get(b), "x\ny");
        assert_eq!(t.rows()[1].line, 4);
        assert_eq!(t.rows()[1].get(a), "2");
        assert_eq!(t.rows()[1].get(b), "z");
    }

    #[test]
    fn missing_column_names_file_and_column() {
        let t = Table::parse(Path::new("dir/t.csv"), "t.csv", b"a\n1\n").expect("valid csv");
        let err = t.col("nope").expect_err("no such column");
        assert!(
            err.to_string().contains("nope") && err.to_string().contains("dir/t.csv"),
            "{err}"
        );
    }

    #[test]
    fn ragged_row_is_an_error_with_line() {
        let err = Table::parse(Path::new("t.csv"), "t.csv", b"a,b\n1,2\n3\n").expect_err("ragged");
        assert!(matches!(err, ImportError::Csv { line: 3, .. }), "{err:?}");
    }
}
