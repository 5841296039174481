/// Stops the fuzzer with `message` when a harness's property fails (unlike `precondition`, whose message an
/// optimized build drops); libFuzzer then saves the input as a crash artifact.
public func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
