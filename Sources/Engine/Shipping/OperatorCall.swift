import Runtime
import Scheduler
import Storage
import Synchronization

/// One recorded call of an operator: what ``RDDOperator/replay(_:)`` needs.
public final class OperatorCall: @unchecked Sendable {
    // Unchecked: immutable after init; the input objects are immutable RDDs.
    let operatorType: String
    /// Offset of the operator's replay closure, specialized in the job's module (release builds);
    /// nil when it was not (debug builds), and the generic operator type is used.
    let fastReplay: UInt64?
    let operation: String
    let inputs: [any LineageNode]
    let functions: [ShippedFunction]
    let params: [UInt8]
    let file: String
    let line: Int
    /// The first RDD and shuffle ids the call took: replay hands out the same ones.
    let firstRDDId: Int
    let firstShuffleId: Int

    init(operatorType: String, fastReplay: UInt64?, operation: String, inputs: [any LineageNode],
         functions: [ShippedFunction], params: [UInt8], file: String, line: Int, firstRDDId: Int, firstShuffleId: Int) {
        self.operatorType = operatorType
        self.fastReplay = fastReplay
        self.operation = operation
        self.inputs = inputs
        self.functions = functions
        self.params = params
        self.file = file
        self.line = line
        self.firstRDDId = firstRDDId
        self.firstShuffleId = firstShuffleId
    }

    /// The first function that cannot travel, as the error a job reports.
    var notSerializable: ShippingError? {
        for f in functions {
            if case .notPortable(let reason) = f {
                return .notSerializable(operation: operation, callSite: "\(file.split(separator: "/").last.map(String.init) ?? file):\(line)", reason: reason)
            }
        }
        return nil
    }
}

extension EngineContext {
    /// Runs `make` (an operator's body) and records on what it returns how to call it again:
    /// `Op`, the inputs, shipped functions and parameters. The replay closure is written here,
    /// so that, inlined into the job's specialized code, it needs no context and can travel.
    @inlinable
    public func recordCall<Op: RDDOperator, R: HasOrigin>(
        _ op: Op.Type, _ operation: String, inputs: [any LineageNode], functions: [ShippedFunction] = [],
        params: some Encodable = NoParams(), file: String, line: Int, _ make: () throws -> R
    ) rethrows -> R {
        let mark = idMark
        let out = try make()
        let fast = PortableClosure.offset(ofReplay: { (i: ReplayInput) throws -> AnyObject in try Op.replay(i) })
        attachOrigin(to: out, op: Op.self, fast: fast, operation: operation, inputs: inputs, functions: functions,
                     params: params, file: file, line: line, mark: mark)
        return out
    }
}

extension EngineContext {
    /// Records on `out`, made by an operator since `mark` (`idMark` before the call), how to call it again.
    @inlinable
    public func recorded<Op: RDDOperator, R: HasOrigin>(
        _ op: Op.Type, _ operation: String, mark: (rdd: Int, shuffle: Int), inputs: [any LineageNode],
        functions: [ShippedFunction] = [], params: some Encodable = NoParams(), file: String, line: Int, _ out: R
    ) -> R {
        let fast = PortableClosure.offset(ofReplay: { (i: ReplayInput) throws -> AnyObject in try Op.replay(i) })
        attachOrigin(to: out, op: Op.self, fast: fast, operation: operation, inputs: inputs, functions: functions,
                     params: params, file: file, line: line, mark: mark)
        return out
    }
}

extension PortableClosure {
    /// ``offset(of:)`` for replay closures, taken through `(A) throws -> B` as they are restored.
    @inlinable
    public static func offset<A, B>(ofReplay f: @escaping (A) throws -> B) -> UInt64? { offset(of: f) }

    /// The replay closure at `offset`.
    static func replayFunction<A, B>(at offset: UInt64, _: A.Type, _: B.Type) -> (A) throws -> B {
        function(at: offset, as: ((A) throws -> B).self)
    }
}
