/// Names a broadcast value. Small and `Codable`, so functions shipped to
/// executors can capture it as a field and read the value there.
public struct BroadcastHandle: Sendable, Codable, Hashable {
    /// The broadcast's id, unique within the application.
    public let id: Int

    /// A handle for broadcast `id`.
    public init(id: Int) { self.id = id }
}
