import Testing
import Threads

/// The queue that feeds the DAGScheduler's loop and the task threads.
@Suite struct BlockingQueueReleaseTests {
    final class Payload: Sendable {}

    @Test("items come out in order; a taken item is no longer referenced by the queue")
    func takenItemsAreReleased() {
        let queue = BlockingQueue<Payload>()
        weak var first: Payload?
        do {
            let a = Payload(), b = Payload()
            first = a
            queue.put(a)
            queue.put(b)
            #expect(queue.take() === a)
        }
        // An event carrying a job's RDD must not keep the RDD alive once handled.
        #expect(first == nil, "the queue still holds an item it handed out")
        #expect(queue.take() != nil)
        queue.close()
        #expect(queue.take() == nil && !queue.put(Payload()))
    }
}
