import Engine

/// Counts the records passing through and adds them up, in accumulators.
struct Tally: MapFunction {
    var records: LongAccumulator
    var sum: LongAccumulator
    func callAsFunction(_ x: Int) -> Int {
        records.add(1)
        sum.add(x)
        return x
    }
}

/// Adds each `(partition, value)` record's value to its partition's accumulator.
struct PartitionTally: MapFunction {
    var sums: [LongAccumulator]
    func callAsFunction(_ record: (Int, Int)) -> (Int, Int) {
        sums[record.0].add(record.1)
        return record
    }
}
