namespace Factory.Dataflow.Toolchains;

/// <summary>What the stages' prompts say about the language; the prompts themselves name no language.</summary>
public interface IToolchainPrompts
{
    /// <summary>The language as a prompt names it, e.g. <c>Python</c>.</summary>
    string Language { get; }

    /// <summary>The test framework as TEST's prompt names it, e.g. <c>pytest</c>.</summary>
    string TestFramework { get; }

    /// <summary>The files whose fixtures TEST is shown, e.g. <c>conftest.py</c>.</summary>
    string FixtureFiles { get; }

    /// <summary>An example path of a new test file, e.g. <c>tests/test_&lt;feature&gt;.py</c>.</summary>
    string ExampleTestPath { get; }

    /// <summary>
    /// TEST's sentence on how tests reach the code for <paramref name="framework"/> (as detection or SCOUT names it);
    /// a project without one gets a sentence that names no framework.
    /// </summary>
    string TestReach(string? framework);
}
