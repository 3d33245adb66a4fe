package store

import "time"

// TraceCandidatesForTest reports the time of each step of Candidates.
func TraceCandidatesForTest(fn func(step string, d time.Duration)) { candidateTrace = fn }

// ExplainForTest returns SQLite's query plan of q.
func (s *Store) ExplainForTest(q string, args ...any) []string {
	rows, err := s.read.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return []string{err.Error()}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		rows.Scan(&id, &parent, &notused, &detail)
		out = append(out, detail)
	}
	return out
}

// TextColumnForTest reads one TEXT column of every row of a table, as a raw
// read of the database file would see it.
func (s *Store) TextColumnForTest(table, column string) ([]string, error) {
	rows, err := s.read.Query("SELECT " + column + " FROM " + table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
