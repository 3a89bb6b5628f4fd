namespace Factory.Dataflow.Toolchains;

/// <summary>
/// A toolchain's gates, made once per pipeline by <see cref="IToolchain.CreateGates"/>: VALIDATE (its linter and type
/// checker, their output read into findings), TEST (its test runner and coverage, their reports read into results)
/// and the base commit's results both compare against, prepared before a request's first model call.
/// </summary>
public interface IToolchainGates
{
    /// <summary>VALIDATE.</summary>
    IFactoryStage Validate { get; }

    /// <summary>TEST, with the test writer it was made with.</summary>
    IFactoryStage Test { get; }

    /// <summary>Learns the base commit's gate results before the request's first model call.</summary>
    IRequestPreparation Baseline { get; }
}
