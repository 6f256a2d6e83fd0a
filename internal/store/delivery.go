package store

// DeliveryTx holds what callback delivery needs beyond enqueueing: claiming due callbacks with
// a lease, recording attempts, replays. Methods are added here by the delivery area.
type DeliveryTx interface {
}
