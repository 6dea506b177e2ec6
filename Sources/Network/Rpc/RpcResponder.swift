import Synchronization

/// A request a peer sent that expects an answer. Answer exactly once, with `reply` or `fail`, from any thread;
/// later answers are ignored. A responder dropped unanswered answers with the error "no reply" as it goes, so the
/// asking side never waits out its timeout because of a forgotten request.
public final class RpcResponder: Sendable {
    /// The peer that asked.
    public let peer: RpcPeer
    /// The request's message type.
    public let messageType: UInt16
    let requestId: UInt64
    private let answered = Atomic<Bool>(false)

    init(peer: RpcPeer, requestId: UInt64, messageType: UInt16) {
        self.peer = peer
        self.requestId = requestId
        self.messageType = messageType
    }

    /// Answers with `payload`. If `payload` is over the frame limit, the asker gets an error saying so instead.
    public func reply(_ payload: [UInt8]) {
        guard claim() else { return }
        let size = RpcMessage.frameLength(bodyCount: payload.count)
        if size > peer.env.maxFrameSize {
            let error = NetworkError.frameTooLarge(size: size, limit: peer.env.maxFrameSize)
            peer.env.logger.error("Reply to a message of type \(messageType) from \(peer.remoteAddress) dropped: \(error)")
            peer.sendMessage(kind: .replyError, requestId: requestId, type: messageType, body: Array("\(error)".utf8))
            return
        }
        peer.sendMessage(kind: .replyOk, requestId: requestId, type: messageType, body: payload)
    }

    /// Answers with an error; the asker's `ask` fails with `NetworkError.remoteError` carrying `message`.
    public func fail(_ message: String) {
        guard claim() else { return }
        peer.sendMessage(kind: .replyError, requestId: requestId, type: messageType, body: Array(message.utf8))
    }

    /// Whether `reply` or `fail` was called.
    public var isAnswered: Bool { answered.load(ordering: .acquiring) }

    deinit {
        if claim() {
            let message = "no reply: the handler dropped the request of type \(messageType) without answering it"
            peer.sendMessage(kind: .replyError, requestId: requestId, type: messageType, body: Array(message.utf8))
        }
    }

    private func claim() -> Bool {
        answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }
}
