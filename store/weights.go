package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"

	"github.com/dealscout/dealscout/scout"
)

// WeightsIDs are the ids in score_weights of the weight sets keys name
// (scout.WeightsKey of resolved weights), in one transaction, each added if
// it is not there yet. Rows of score_weights never change and are never
// deleted: a deal's weights_id names the weights its total was computed
// with for as long as it keeps that total.
func (s *Store) WeightsIDs(ctx context.Context, keys []string) ([]int64, error) {
	ids := make([]int64, len(keys))
	err := s.write(ctx, func(tx *sql.Tx) error {
		for i, k := range keys {
			var err error
			if ids[i], err = weightsID(ctx, tx, k); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}

func weightsID(ctx context.Context, tx *sql.Tx, key string) (int64, error) {
	if _, err := parseWeights(key); err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO score_weights (weights) VALUES (?1)
		ON CONFLICT (weights) DO UPDATE SET weights = excluded.weights RETURNING id`, key).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: weight set: %w", err)
	}
	return id, nil
}

// parsedWeights caches parseWeights: a deal list decodes every row's
// weights, and there are as many sets as the user's weight changes.
var parsedWeights struct {
	sync.Mutex
	m map[string]scout.Weights
}

// parseWeights reads a weight set's key. The weights it returns are shared:
// they must not be modified.
func parseWeights(key string) (scout.Weights, error) {
	parsedWeights.Lock()
	w, ok := parsedWeights.m[key]
	parsedWeights.Unlock()
	if ok {
		return w, nil
	}
	w, err := scout.ParseWeightsKey(key)
	if err != nil {
		return nil, err
	}
	parsedWeights.Lock()
	defer parsedWeights.Unlock()
	if parsedWeights.m == nil || len(parsedWeights.m) >= 256 {
		parsedWeights.m = map[string]scout.Weights{} // a bound, should anything ever make many
	}
	parsedWeights.m[key] = w
	return w, nil
}

// decodeDealScore reads a deal's stored score, total being deals.score:
// with a weight set (weights, score_weights.weights), its factors
// (deal_factors.factors) with the weights applied; without, its components
// in an older layout, as they are.
func decodeDealScore(comps []byte, factors sql.NullString, total float64, weights sql.NullString) (scout.Score, error) {
	if !weights.Valid {
		return decodeScore(comps, total)
	}
	if !factors.Valid {
		return scout.Score{}, fmt.Errorf("its weight set has no factors to apply to")
	}
	f, err := decodeFactors([]byte(factors.String), false)
	if err != nil {
		return scout.Score{}, err
	}
	w, err := parseWeights(weights.String)
	if err != nil {
		return scout.Score{}, err
	}
	s, ok := f.Apply(w, nil)
	if !ok {
		return scout.Score{}, fmt.Errorf("its factors do not go with its weights %s", weights.String)
	}
	s.Total = total
	return s, nil
}

// ProfitComponents is what deals.components holds for a deal whose factors
// are in deal_factors: the profit estimate alone, where the deal list's
// sort by profit reads it ("p", as in the "k" layout).
func ProfitComponents(f *scout.Factors) string {
	if !f.HasProfit {
		return "{}"
	}
	return `{"p":` + strconv.FormatInt(f.Profit, 10) + "}"
}
