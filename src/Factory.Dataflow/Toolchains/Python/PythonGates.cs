namespace Factory.Dataflow.Toolchains.Python;

/// <summary>Python's gates: <c>Gates.ValidateStage</c>, <c>Gates.TestStage</c> and <c>Gates.GateBaselinePreparation</c>.</summary>
internal sealed record PythonGates(IFactoryStage Validate, IFactoryStage Test, IRequestPreparation Baseline) : IToolchainGates;
