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
