/// What an `RpcEnv`'s owner implements to hear from its peers.
///
/// Both methods are called on the env's loop thread, one call at a time: implementations must not block (hand
/// heavy work to a `WorkerPool` and answer from there) and must not call the blocking `RpcPeer.ask`.
public protocol RpcHandler: AnyObject, Sendable {
    /// A one-way message (`responder == nil`) or a request (`responder != nil`) of `type` from `peer`. A request is
    /// answered through `responder`, exactly once, from any thread.
    func receive(type: UInt16, payload: [UInt8], from peer: RpcPeer, responder: RpcResponder?)

    /// `peer`'s connection closed or failed (also when this side closed it, or the env shut down); every pending
    /// ask on it has already failed.
    func peerDisconnected(_ peer: RpcPeer, reason: String)
}
