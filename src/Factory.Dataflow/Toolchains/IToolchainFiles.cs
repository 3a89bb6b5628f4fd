namespace Factory.Dataflow.Toolchains;

/// <summary>
/// The one definition of a language's file names. Paths are repository-relative with '/'; every answer is
/// case-sensitive, as the tools that read the files are.
/// </summary>
public interface IToolchainFiles
{
    /// <summary>
    /// File extensions (with the dot) a module of the language may be stored under, source or compiled, e.g.
    /// <c>.py</c>, <c>.pyc</c>: a new file with one of them may shadow a module of that name.
    /// </summary>
    IReadOnlyList<string> ModuleExtensions { get; }

    /// <summary>The extensions of a module's own source, e.g. <c>.py</c> and <c>.pyi</c>: what makes a name the project's own module.</summary>
    IReadOnlyList<string> ModuleSourceExtensions { get; }

    /// <summary>True for a file the language's parser reads: what BUILD's syntax check checks.</summary>
    bool IsSource(string relative);

    /// <summary>True for a file the test runner collects by its name alone, e.g. <c>test_*.py</c>.</summary>
    bool IsTestFileName(string relative);

    /// <summary>True for a file that serves the tests wherever it lives, e.g. <c>conftest.py</c>: part of the tests, not of the measured code.</summary>
    bool IsTestSupport(string relative);

    /// <summary>
    /// Folder names (any depth) the language's environments and tools fill with what is not the project's source, e.g.
    /// <c>.venv</c>, <c>__pycache__</c>: the model stages are not shown what is under them.
    /// </summary>
    IReadOnlyList<string> IgnoredFolders { get; }

    /// <summary>How <see cref="IsTestFileName"/> is said to a model or a user, e.g. <c>test_*.py or *_test.py</c>.</summary>
    string TestFileNamePattern { get; }
}
