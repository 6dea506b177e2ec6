import Runtime
import Scheduler
import Storage

/// The one-line job summary logged when a job ends, and the spill line jobs may print.
public enum JobSummaryText {
    /// `Job 3 summary: 2 stages run, 1 skipped, 32 tasks; read 1.0 GiB; shuffle 5.2 MiB written,
    /// 5.2 MiB read; spilled 0 B from memory, 0 B on disk; peak execution memory 12.0 MiB`.
    public static func describe(_ s: JobSummary) -> String {
        let m = s.metrics
        return "Job \(s.jobId) summary: \(s.stagesRun.count) stages run, \(s.stagesSkipped.count) skipped, "
            + "\(s.tasksRun) tasks; read \(ByteSize.format(m.bytesRead)); shuffle \(ByteSize.format(m.shuffleBytesWritten)) "
            + "written, \(ByteSize.format(m.shuffleBytesRead)) read; " + spills(m)
    }

    /// `storage: 12.0 MiB in memory, 80.0 MiB on disk; 5 blocks evicted to disk, 2 dropped, 9 written
    /// to disk for lack of memory`. Logged by the context; not API (its argument is an internal type).
    static func storage(_ bm: BlockManager) -> String {
        let e = bm.evictionCounts
        return "storage: \(ByteSize.format(bm.memoryUsed)) in memory, \(ByteSize.format(bm.diskUsed)) on disk; "
            + "\(e.toDisk) blocks evicted to disk, \(e.dropped) dropped, \(bm.memoryFullPutsToDisk) written to disk "
            + "for lack of memory"
    }

    /// `spilled 1.2 GiB from memory, 310.4 MiB on disk; peak execution memory 40.0 MiB`.
    public static func spills(_ m: TaskMetrics) -> String {
        "spilled \(ByteSize.format(m.memoryBytesSpilled)) from memory, \(ByteSize.format(m.diskBytesSpilled)) on disk; "
            + "peak execution memory \(ByteSize.format(m.peakExecutionMemory))"
    }
}
