// Package store is the only package that speaks SQL. A *Store wraps one SQLite
// file (modernc.org/sqlite, no cgo) with two pools: a write pool whose
// transactions take the write lock up front (_txlock=immediate), and a
// read-only pool so reads never queue behind writers. Each noun has its own
// file; the schema lives in the migrations package.
package store
