import CLibUV

/// Facts about the libuv this build links. The loop thread, framed TCP and RPC
/// come with executors in other processes.
public enum LibUV {
    /// libuv's version string, e.g. "1.44.2".
    public static var version: String { String(cString: uv_version_string()) }
}
