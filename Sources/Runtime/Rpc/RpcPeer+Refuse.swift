import Logging
import Network

extension RpcPeer {
    /// A message from this peer did not decode: answers a request with the reason, logs it and
    /// closes the connection (the peer speaks another protocol or its bytes were damaged).
    func refuse(_ error: any Error, responder: RpcResponder?, logger: Logger) {
        logger.error("Closing the connection of \(self): \(error)")
        responder?.fail("\(error)")
        close(reason: "\(error)")
    }

    /// The message `decode` gives, or nil after refusing the peer when it throws.
    func decoded<M>(_ responder: RpcResponder?, logger: Logger, _ decode: () throws -> M) -> M? {
        do {
            return try decode()
        } catch {
            refuse(error, responder: responder, logger: logger)
            return nil
        }
    }
}
