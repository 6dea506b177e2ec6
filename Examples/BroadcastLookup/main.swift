// broadcast-lookup: a map-side join through a broadcast variable.
//
//   engine-submit --master local-cluster[2,1,512] broadcast-lookup INPUT [--dictionary N]
//
// Takes the first N distinct words of INPUT (default 1000) as a dictionary, broadcasts it,
// and counts the words of INPUT that are in it, three times: as broadcast; again after
// `unpersist()` (executors fetch the dictionary again); and after `destroy()`, which must fail.
// Prints, one a line: `dictionary: N`, `known words: N`, `fetched: N`, `known words again: N`,
// `fetched again: N`, `after destroy: <the error>`.
import Engine
import Foundation

/// Is a word in the broadcast dictionary? Holds the broadcast as a field, so it travels.
struct InDictionary: FilterFunction {
    var dictionary: Broadcast<Set<String>>
    func callAsFunction(_ word: ByteString) throws -> Bool { try dictionary.value.contains(word.description) }
}

EngineContext.main(appName: "broadcast-lookup") { ctx, args in
    guard let input = args.first, !input.hasPrefix("-") else {
        throw EngineError.invalidArgument("usage: broadcast-lookup INPUT [--dictionary N]")
    }
    var size = 1000
    if args.count == 3, args[1] == "--dictionary", let n = Int(args[2]), n >= 0 {
        size = n
    } else if args.count != 1 {
        throw EngineError.invalidArgument("usage: broadcast-lookup INPUT [--dictionary N]")
    }
    let words = try ctx.textFileBytes(input).flatMap { $0.words }
    var seen = Set<String>()
    for w in try words.take(size * 20) where seen.count < size { seen.insert(w.description) }
    let dictionary = try ctx.broadcast(seen)
    print("dictionary: \(seen.count)")

    let known = words.filter(InDictionary(dictionary: dictionary))
    print("known words: \(try known.count())")
    print("fetched: \(ctx.lastJobSummary?.metrics.broadcastBlocksFetched ?? 0)")
    dictionary.unpersist()
    print("known words again: \(try known.count())")
    print("fetched again: \(ctx.lastJobSummary?.metrics.broadcastBlocksFetched ?? 0)")
    dictionary.destroy()
    do {
        _ = try known.count()
        print("after destroy: the job ran")
    } catch {
        print("after destroy: \(error)")
    }
}
