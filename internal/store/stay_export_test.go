package store

import (
	"context"
	"time"
)

// InsertDeploymentForTest writes a deployment row (migration 00012) as the
// deployment work will, so that the high-risk rule of stays can be tested
// before that work's store code exists.
func (s *Store) InsertDeploymentForTest(ctx context.Context, personID int64, tier int, startsOn, endsOn, status string) error {
	// unscoped: a test fixture.
	now := time.Now().UnixMilli()
	var postID int64
	err := s.write.QueryRowContext(ctx, `INSERT INTO frontline_posts (name, institution_id, region_code, kind, tier, created_at, updated_at)
		SELECT '发热门诊', institution_id, region_code, 'fever_clinic', $2, $3, $3 FROM people WHERE id = $1 RETURNING id`, personID, tier, now).Scan(&postID)
	if err != nil {
		return err
	}
	_, err = s.write.ExecContext(ctx, `INSERT INTO deployments (person_id, region_code, institution_id, post_id, tier, starts_on, ends_on, status, created_at, updated_at)
		SELECT id, region_code, institution_id, $2, $3, $4, $5, $6, $7, $7 FROM people WHERE id = $1`, personID, postID, tier, startsOn, endsOn, status, now)
	return err
}

// RawTripNotes returns the stored notes of transport requests as they are
// at rest, for the test that no plaintext is kept.
func (s *Store) RawTripNotes(ctx context.Context) ([][]byte, error) {
	// unscoped: a test fixture.
	rows, err := s.read.QueryContext(ctx, "SELECT note_enc FROM transport_requests WHERE note_enc IS NOT NULL")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// UpdateStayForTest tries to change a stay row in place, which the
// append-only triggers must refuse.
func (s *Store) UpdateStayForTest(ctx context.Context, id int64) error {
	// unscoped: a test fixture.
	_, err := s.write.ExecContext(ctx, "UPDATE stays SET check_in_on = '2000-01-01' WHERE id = $1", id)
	return err
}
