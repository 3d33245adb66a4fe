package store

import (
	"context"
)

// InsertDeploymentForTest puts a person into an aid-team batch (led by
// leaderPersonID when not 0) for the inclusive days from–to, straight into
// the tables of migration 00012. The check-in tests use it until the
// deployment store's own methods are merged.
func (s *Store) InsertDeploymentForTest(ctx context.Context, personID, leaderPersonID int64, from, to string) (deploymentID, batchID int64, err error) {
	// unscoped: a test fixture.
	now := ms(s.now())
	var leader any
	if leaderPersonID != 0 {
		leader = leaderPersonID
	}
	var region string
	var inst int64
	if err := s.read.QueryRowContext(ctx, "SELECT region_code, institution_id FROM people WHERE id = $1", personID).Scan(&region, &inst); err != nil {
		return 0, 0, err
	}
	if err := s.write.QueryRowContext(ctx, `INSERT INTO aid_batches (name, destination, region_code, leader_person_id, departs_on, returns_on,
		created_at, updated_at) VALUES ('第七批援鄂医疗队', '武汉', $1, $2, $3, $4, $5, $5) RETURNING id`, region[:4], leader, from, to, now).Scan(&batchID); err != nil {
		return 0, 0, err
	}
	err = s.write.QueryRowContext(ctx, `INSERT INTO deployments (person_id, region_code, institution_id, batch_id, tier, starts_on, ends_on, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $7) RETURNING id`, personID, region, inst, batchID, from, to, now).Scan(&deploymentID)
	return deploymentID, batchID, err
}

// CancelDeploymentForTest marks a deployment cancelled.
func (s *Store) CancelDeploymentForTest(id int64) error {
	_, err := s.write.Exec("UPDATE deployments SET status = 'cancelled' WHERE id = $1", id)
	return err
}
