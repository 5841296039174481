import CLibFuzzer
import Foundation

/// Runs libFuzzer with the process's arguments over `callback`, then exits with its status.
///
/// SwiftPM renames an executable's entry point (`<module>_main`) and points `main` at it, so libFuzzer's own
/// `main` cannot be used; each harness has a `@main` that calls this instead (libFuzzer's `LLVMFuzzerRunDriver`).
public func runFuzzer(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}
