package store

import (
	"context"
	"database/sql"
)

// preparedTx is a write transaction whose statements are prepared once on
// SQLite's single writer connection and reused by every later transaction,
// instead of parsed again each time: a movement runs about ten statements,
// and parsing them was the larger part of its cost. On PostgreSQL pgx keeps
// a statement cache per connection of its own, so it passes straight
// through. It is a queryer, so the helpers that take one take it.
//
// A statement not prepared yet runs as usual and is named in missed; the
// caller prepares those after the transaction (prepareMissed), when the
// writer's one connection is free again: preparing on the pool inside the
// transaction would wait for that connection for ever.
type preparedTx struct {
	s      *Store
	tx     *sql.Tx
	missed *[]string
}

func (s *Store) prepared(tx *sql.Tx, missed *[]string) preparedTx {
	return preparedTx{s: s, tx: tx, missed: missed}
}

// stmt is q's prepared statement in the transaction, or nil when q is not
// prepared yet.
func (p preparedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st, ok := p.s.writeStmts.Load(q); ok {
		return p.tx.StmtContext(ctx, st.(*sql.Stmt))
	}
	*p.missed = append(*p.missed, q)
	return nil
}

// prepareMissed prepares on the writer the statements a transaction ran
// unprepared. A failure only means they are parsed again next time.
func (s *Store) prepareMissed(ctx context.Context, missed []string) {
	if s.engine != SQLite {
		return
	}
	for _, q := range missed {
		if _, ok := s.writeStmts.Load(q); ok {
			continue
		}
		st, err := s.write.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		if _, loaded := s.writeStmts.LoadOrStore(q, st); loaded {
			st.Close()
		}
	}
}

// QueryRowContext is the transaction's, through the prepared statement.
func (p preparedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if p.s.engine != SQLite {
		return p.tx.QueryRowContext(ctx, q, args...)
	}
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, q, args...)
}

// QueryContext is the transaction's, through the prepared statement.
func (p preparedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if p.s.engine != SQLite {
		return p.tx.QueryContext(ctx, q, args...)
	}
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, q, args...)
}

// ExecContext is the transaction's, through the prepared statement.
func (p preparedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if p.s.engine != SQLite {
		return p.tx.ExecContext(ctx, q, args...)
	}
	if st := p.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, q, args...)
}
