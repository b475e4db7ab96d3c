import Testing

/// End-to-end tests of the delivery engine: a real scheduler on a real SQLite file, posting to a real HTTP receiver
/// on loopback. Serialized, because several of them measure time and this suite runs on small machines.
@Suite(.serialized) enum DeliveryEngineTests {}
