namespace Factory.Dataflow.Sandbox;

/// <summary>How much the runner insists on one layer of the sandbox.</summary>
public enum SandboxRequirement
{
    /// <summary>The layer is not used.</summary>
    Off,

    /// <summary>The layer is used where the machine allows it; where it does not, the runner logs a warning once and
    /// reports the gap in <see cref="SandboxedRunner.Layers"/> (never silently).</summary>
    IfAvailable,

    /// <summary>The layer is used, and the runner refuses to run anything where the machine does not allow it.</summary>
    Required,
}
