// Package extract is the first stage: it lists the objects of every
// source, keeps that list in the entity store (store.objects) so that the
// next night reads only the objects that are new or changed, reads each
// with etl/readers (CSV, JSON Lines, Parquet, any
// compression or encoding), maps source columns to canonical names, stages
// the rows as Parquet and sends what it cannot read to rejects with a
// reason; a broken object is recorded and the night goes on. It is the one
// stage that meets the outside world's files. It must never know what
// later stages do with the rows, nor normalize a value itself.
package extract
