// word-count: counts words, as every engine's first example.
//
//   engine-submit --master local[4] word-count INPUT OUTPUT_DIR [--partitions N] [--storage-level LEVEL]
//
// Splits lines on runs of ASCII whitespace, counts each word (bytes as they are),
// saves `word<TAB>count` lines under OUTPUT_DIR, prints the ten most frequent words,
// then the number of distinct words and of all words, and what was spilled if anything was.
import Engine
import Foundation

EngineContext.main(appName: "word-count") { ctx, args in
    let options = try WordCountOptions(args)
    let counts = try ctx.textFileBytes(options.input, minPartitions: options.partitions)
        .flatMap { $0.words }
        .map { ($0, 1) }
        .reduceByKey(numPartitions: options.partitions, +)
    // Four actions read the counts: keep them (in memory, on disk when they do not fit;
    // --storage-level MEMORY_AND_DISK_2 keeps a copy on a second executor too).
    try counts.persist(options.storageLevel)
    try counts.map { $0.0 + ByteString("\t\($0.1)") }.saveAsTextFile(options.output)

    let top = try counts.takeOrdered(10) { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    var out: [UInt8] = []
    for (word, count) in top {
        word.withUnsafeBytes { out.append(contentsOf: $0) }
        out.append(contentsOf: "\t\(count)\n".utf8)
    }
    let distinct = try counts.count()
    let total = try counts.map { $0.1 }.fold(0, +)
    out.append(contentsOf: "distinct words: \(distinct)\ntotal words: \(total)\n".utf8)
    let metrics = ctx.totalMetrics
    if metrics.memoryBytesSpilled > 0 || metrics.diskBytesSpilled > 0 {
        out.append(contentsOf: (JobSummaryText.spills(metrics) + "\n").utf8)
    }
    FileHandle.standardOutput.write(Data(out))
}

/// `INPUT OUTPUT_DIR [--partitions N] [--storage-level LEVEL]`.
struct WordCountOptions {
    static let usage = "usage: word-count INPUT OUTPUT_DIR [--partitions N] [--storage-level LEVEL]"
    var input = ""
    var output = ""
    var partitions: Int?
    var storageLevel = StorageLevel.MEMORY_AND_DISK

    init(_ args: [String]) throws {
        var positional: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--partitions" {
                guard i + 1 < args.count, let n = Int(args[i + 1]), n >= 1 else {
                    throw EngineError.invalidArgument("--partitions needs a positive integer")
                }
                partitions = n
                i += 2
            } else if a == "--storage-level" {
                guard i + 1 < args.count, let level = StorageLevel.fromString(args[i + 1]), level.isValid else {
                    let names = StorageLevel.named.map(\.0).filter { $0 != "NONE" }.joined(separator: ", ")
                    throw EngineError.invalidArgument("--storage-level needs one of \(names)")
                }
                storageLevel = level
                i += 2
            } else if a.hasPrefix("-") {
                throw EngineError.invalidArgument("unknown option \(a); \(Self.usage)")
            } else {
                positional.append(a)
                i += 1
            }
        }
        guard positional.count == 2 else {
            throw EngineError.invalidArgument("\(Self.usage)")
        }
        input = positional[0]
        output = positional[1]
    }
}
