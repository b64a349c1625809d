//! The `faultline` binary: parses arguments and hands over to `faultline::cli`.

fn main() -> std::process::ExitCode {
    faultline::cli::main()
}
