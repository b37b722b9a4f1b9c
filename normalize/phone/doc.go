// Package phone writes a free-text phone number as E.164 with its extension
// apart: Parse runs libphonenumber (nyaruka/phonenumbers) behind a fast path
// that mirrors libphonenumber step by step on the common shapes, and the
// tests pin that the two always agree. It is pure and safe for concurrent
// use. The record's country comes in as an argument: the package must never
// resolve a country column itself or know other fields' rules, records,
// caches, storage, Arrow or configuration files; normalize.Normalizer
// applies it to a column and records "phone_invalid".
package phone
