import ArgumentParser

/// The benchmark tool's root command.
struct EngineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine-bench",
        abstract: "Generate benchmark inputs and time engine jobs against Apache Spark.",
        discussion: """
            Examples:
              engine-bench gen /tmp/w1g.txt 1G
              engine-bench wordcount /tmp/w1g.txt --master local[2] --runs 3 --spark
              engine-bench wordcount /tmp/w1g.txt --master local[2] --against "local-cluster[2,1,1024]" --runs 3
              engine-bench broadcast --master "local-cluster[4,1,1024]" --size 256m --tasks 16 [--driver-only]
              engine-bench cleaner --master "local-cluster[2,1,512]" --iterations 200 --broadcast 10m
            """,
        subcommands: [GenCommand.self, WordCountCommand.self, BroadcastCommand.self, CleanerCommand.self])
}
