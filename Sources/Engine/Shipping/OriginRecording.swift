import Runtime
import Scheduler
import Storage
import Synchronization

extension EngineContext {
    /// Records on `out` the call that made it (see ``recordCall``), and on every shuffle dependency
    /// the call created, `out` as the RDD whose replay rebuilds it.
    @usableFromInline
    func attachOrigin<Op: RDDOperator>(to out: some HasOrigin, op: Op.Type, fast: UInt64?, operation: String,
                                       inputs: [any LineageNode], functions: [ShippedFunction], params: some Encodable,
                                       file: String, line: Int, mark: (rdd: Int, shuffle: Int)) {
        let encoded: [UInt8]
        var fns = functions
        do {
            encoded = try BinaryEncoder().encode(params)
        } catch {
            encoded = []
            fns.append(.notPortable(reason: "has parameters that cannot be encoded (\(error))"))
        }
        let name = _mangledTypeName(Op.self) ?? "\(Op.self)"
        out.origin.value = OperatorCall(operatorType: name, fastReplay: fast, operation: operation, inputs: inputs,
                                        functions: fns, params: encoded, file: file, line: line,
                                        firstRDDId: mark.rdd, firstShuffleId: mark.shuffle)
        guard let node = out as? any LineageNode else { return }
        var stack: [any LineageNode] = [node]
        var seen: Set<Int> = []
        while let n = stack.popLast() {
            guard n.rddId >= mark.rdd, seen.insert(n.rddId).inserted else { continue }
            for dep in n.originalLineage {
                switch dep {
                case .narrow(let p): stack.append(p)
                case .shuffle(let s):
                    if s.shuffleId >= mark.shuffle, let rooted = s as? ShuffleRootBox.Holder, rooted.rootBox.root == nil {
                        rooted.rootBox.root = node
                    }
                    stack.append(s.mapSide)
                }
            }
        }
    }
}

/// The RDD whose recorded call made a shuffle dependency (weak: that RDD depends on the shuffle).
final class ShuffleRootBox: Sendable {
    protocol Holder: AnyObject { var rootBox: ShuffleRootBox { get } }
    private struct Ref: @unchecked Sendable { weak var node: (any LineageNode)? }
    private let ref = Mutex(Ref())
    init() {}
    var root: (any LineageNode)? {
        get { ref.withLock { $0.node } }
        set { ref.withLock { $0.node = newValue } }
    }
}

extension LineageNode {
    /// The dependencies an RDD was made with, checkpointed or not.
    var originalLineage: [LineageDependency] {
        (self as? OriginalDependencies)?.originalDependencies ?? lineageDependencies
    }
}

protocol OriginalDependencies { var originalDependencies: [LineageDependency] { get } }
extension RDD: OriginalDependencies {}
