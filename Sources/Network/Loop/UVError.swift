import CLibUV

/// libuv's text for a negative libuv status, e.g. "connection refused (ECONNREFUSED)".
func uvErrorText(_ status: Int32) -> String {
    "\(String(cString: uv_strerror(status))) (\(String(cString: uv_err_name(status))))"
}
