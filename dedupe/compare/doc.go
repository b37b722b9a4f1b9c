// Package compare says how alike two records are on one field. It prepares
// a column's values once (trimmed, lower-cased, optionally transformed into
// a key such as a double metaphone code or an email's mailbox, interned,
// with dates, numbers and letter signatures parsed on demand), compiles a
// Comparison's ordered levels against such columns, and gives for any pair
// of records the first level that holds, using the string similarities it
// also exports (Jaro-Winkler, Levenshtein and optimal string alignment
// distances). Package dedupe blocks on its keys and weighs its levels. It
// works on plain string columns and record positions only, and must never
// know storage, Arrow or Parquet I/O, config files, record ids, blocking or
// the match model: m, u, weights and training belong to dedupe (a Level
// carries the model's fixed m and u and its term-frequency flag, which
// compare only validates and names).
package compare
