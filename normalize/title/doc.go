// Package title reads a free-text job title: Parse cleans it (lower-case,
// abbreviations expanded, employer and gender tags dropped) and reads its
// seniority and job function from the built-in vocabulary of English,
// German, French and Spanish titles in vocab.go, whose tables are built once
// on first use. It is pure and safe for concurrent use. It must never know
// other fields' rules (an employer named in a title is cut off, never looked
// up as a company), records, caches, storage, Arrow or configuration files:
// normalize.Normalizer applies it to a column and records "title_unparsed".
package title
