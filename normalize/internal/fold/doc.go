// Package fold holds the text rules every normalizer shares: NullToken
// (which raw values are placeholders for "unknown") and Key (the lossy,
// case-, accent- and punctuation-blind lookup key of every table), with
// Compact and HasLetter for keys. It exists so that normalize and its
// sub-packages (title, phone, industry) apply one rule without importing
// one another. It works on single strings only and must never know any
// field's meaning or table, records, storage, Arrow or configuration: a
// rule that belongs to one kind of value belongs in that value's package.
package fold
