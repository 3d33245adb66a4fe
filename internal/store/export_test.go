package store

import "database/sql"

// ReadDB is the store's reader pool, for tests that look at the schema itself.
func ReadDB(s *Store) *sql.DB { return s.read }
