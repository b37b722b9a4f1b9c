// Runs SQL statements with DuckDB and prints each result as JSON lines:
// {"columns": [...], "types": [...], "rows": [...]}. Tests use it to read
// leadsmith's published Parquet back the way a BI tool would.
// Usage: node scripts/duckdb-query.mjs "SQL" ["SQL" ...]
import { DuckDBInstance } from '@duckdb/node-api';

const statements = process.argv.slice(2);
if (statements.length === 0) {
  console.error('usage: node scripts/duckdb-query.mjs "SQL" ["SQL" ...]');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
for (const sql of statements) {
  try {
    const r = await con.runAndReadAll(sql);
    console.log(JSON.stringify({
      columns: r.columnNames(),
      types: r.columnTypes().map((t) => t.toString()),
      rows: r.getRowObjectsJson(),
    }));
  } catch (e) {
    console.error(`duckdb: ${e.message}`);
    process.exit(1);
  }
}
