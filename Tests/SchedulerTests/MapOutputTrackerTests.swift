import Storage
import Testing
@testable import Scheduler

@Suite struct MapOutputTrackerTests {
    @Test func registersAndReportsSizesSkippingEmptySegments() throws {
        let tracker = MapOutputTrackerMaster()
        #expect(!tracker.containsShuffle(0))
        tracker.registerShuffle(0, numMaps: 3)
        #expect(tracker.containsShuffle(0))
        #expect(tracker.availableOutputs(0) == 0)
        tracker.registerMapOutput(0, mapStatus(0, on: execA, sizes: [5, 0]))
        tracker.registerMapOutput(0, mapStatus(1, on: execB, sizes: [7, 3]))
        tracker.registerMapOutput(0, mapStatus(2, on: execA, sizes: [0, 9]))
        tracker.registerMapOutput(0, mapStatus(3, on: execA, sizes: [1, 1]))  // no such map: ignored
        #expect(tracker.availableOutputs(0) == 3)

        let r0 = try tracker.mapSizes(shuffleId: 0, reduceId: 0)
        #expect(r0.map(\.mapIndex) == [0, 1])
        #expect(r0.map(\.size) == [5, 7])
        #expect(r0.map(\.location) == [execA, execB])
        let r1 = try tracker.mapSizes(shuffleId: 0, reduceId: 1)
        #expect(r1.map(\.mapIndex) == [1, 2])
        #expect(r1.map(\.size) == [3, 9])

        // Registering the shuffle again keeps what is known.
        tracker.registerShuffle(0, numMaps: 3)
        #expect(tracker.availableOutputs(0) == 3)
    }

    @Test func missingOutputThrowsMetadataFetchFailed() throws {
        let tracker = MapOutputTrackerMaster()
        let unknown = #expect(throws: MetadataFetchFailedError.self) {
            try tracker.mapSizes(shuffleId: 4, reduceId: 0)
        }
        #expect(unknown?.shuffleId == 4)
        #expect(unknown?.message.contains("not registered") == true)

        tracker.registerShuffle(4, numMaps: 2)
        tracker.registerMapOutput(4, mapStatus(0))
        let missing = #expect(throws: MetadataFetchFailedError.self) {
            try tracker.mapSizes(shuffleId: 4, reduceId: 1)
        }
        #expect(missing?.reduceId == 1)
        #expect(missing?.message.contains("map 1") == true)
        #expect(missing?.description.contains("shuffle 4") == true)

        tracker.registerMapOutput(4, mapStatus(1))
        #expect(try tracker.mapSizes(shuffleId: 4, reduceId: 1).count == 2)
        let tooFar = #expect(throws: MetadataFetchFailedError.self) {
            try tracker.mapSizes(shuffleId: 4, reduceId: 2)
        }
        #expect(tooFar?.message.contains("2 partitions") == true)

        tracker.unregisterMapOutput(4, mapIndex: 0)
        #expect(tracker.availableOutputs(4) == 1)
        #expect(throws: MetadataFetchFailedError.self) { try tracker.mapSizes(shuffleId: 4, reduceId: 0) }
        tracker.clearMapOutputs(4)
        #expect(tracker.availableOutputs(4) == 0)
        #expect(tracker.containsShuffle(4))
        tracker.unregisterShuffle(4)
        #expect(!tracker.containsShuffle(4))
    }

    @Test func removeOutputsOnExecutorForgetsOnlyThatExecutor() throws {
        let tracker = MapOutputTrackerMaster()
        tracker.registerShuffle(0, numMaps: 2)
        tracker.registerShuffle(1, numMaps: 2)
        tracker.registerMapOutput(0, mapStatus(0, on: execA))
        tracker.registerMapOutput(0, mapStatus(1, on: execB))
        tracker.registerMapOutput(1, mapStatus(0, on: execA))
        tracker.registerMapOutput(1, mapStatus(1, on: execA))

        tracker.removeOutputsOnExecutor("exec-a")
        #expect(tracker.availableOutputs(0) == 1)
        #expect(tracker.availableOutputs(1) == 0)
        #expect(tracker.containsShuffle(1))
        let error = #expect(throws: MetadataFetchFailedError.self) { try tracker.mapSizes(shuffleId: 0, reduceId: 0) }
        #expect(error?.message.contains("map 0") == true)

        tracker.registerMapOutput(0, mapStatus(0, on: execB))
        #expect(try tracker.mapSizes(shuffleId: 0, reduceId: 0).map(\.location) == [execB, execB])
        tracker.removeOutputsOnExecutor("exec-zzz")
        #expect(tracker.availableOutputs(0) == 2)
    }

    @Test func workerAsksTheMasterEveryTime() throws {
        struct DriverDown: Error {}
        let master = MapOutputTrackerMaster()
        let asks = Locked(0)
        let down = Locked(false)
        let worker = MapOutputTrackerWorker(askDriver: { shuffleId in
            asks.mutate { $0 += 1 }
            if down.value { throw DriverDown() }
            return master.statuses(shuffleId)
        })
        let unknown = #expect(throws: MetadataFetchFailedError.self) { try worker.mapSizes(shuffleId: 2, reduceId: 0) }
        #expect(unknown?.message.contains("not registered") == true)

        master.registerShuffle(2, numMaps: 2)
        master.registerMapOutput(2, mapStatus(0, on: execA, sizes: [5, 0]))
        let missing = #expect(throws: MetadataFetchFailedError.self) { try worker.mapSizes(shuffleId: 2, reduceId: 0) }
        #expect(missing?.mapIndex == 1)
        // An output registered after a lookup is seen by the next one: nothing stale is kept.
        master.registerMapOutput(2, mapStatus(1, on: execB, sizes: [7, 3]))
        #expect(try worker.mapSizes(shuffleId: 2, reduceId: 0).map(\.location) == [execA, execB])
        master.unregisterMapOutput(2, mapIndex: 0)
        #expect(throws: MetadataFetchFailedError.self) { try worker.mapSizes(shuffleId: 2, reduceId: 1) }
        #expect(asks.value == 4)

        down.mutate { $0 = true }
        let failed = #expect(throws: MetadataFetchFailedError.self) { try worker.mapSizes(shuffleId: 2, reduceId: 1) }
        #expect(failed?.message.contains("from the driver") == true)
        #expect(failed?.reduceId == 1)
    }
}
