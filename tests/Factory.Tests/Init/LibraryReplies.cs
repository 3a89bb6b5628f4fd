using System.Text.Json;
using Factory.Tests.Runner;
using Factory.Tests.Support.FakeOllama;

namespace Factory.Tests.Init;

/// <summary>
/// Scripted model replies for "add a discount function" on a <see cref="LibraryProject"/>: a plan, SCOUT citing the
/// module, BUILD adding <c>discount</c>, TEST writing one test in the layout's test folder, REVIEW approving.
/// </summary>
internal static class LibraryReplies
{
    public const string Request = "add a function discount(price, percent) to shop.core";

    public static void Install(FakeOllamaServer server, LibraryProject project)
    {
        FakeReply Reply(ReceivedRequest request)
        {
            object reply =
                ScriptedModels.IsStage(request, "PLAN") ? new
                {
                    title = "Add shop.core.discount",
                    acceptance_criteria = new[] { "discount(200, 25) returns 150" },
                    out_of_scope = new[] { "changing total" },
                    constraints = new[] { "no new dependencies" },
                }
                : ScriptedModels.IsStage(request, "SCOUT") ? new
                {
                    files = new[] { project.Module },
                    conventions = new[] { "functions with full type hints and a docstring" },
                    prior_art = new[] { $"total in {project.Module}" },
                }
                : ScriptedModels.IsStage(request, "BUILD") ? new { edits = new[] { new { path = project.Module, content = LibraryProject.CoreWithDiscount } } }
                : ScriptedModels.IsStage(request, "TEST") ? new
                {
                    path = project.NewTest,
                    content = "from shop.core import discount\n\n\ndef test_discount() -> None:\n    assert discount(200, 25) == 150\n",
                }
                : new { verdict = "approve", reasons = new[] { "discount is added as asked and tested; nothing else changed" } };
            return FakeReply.Text(JsonSerializer.Serialize(reply));
        }

        server.Respond(ScriptedModels.General, Reply);
        server.Respond(ScriptedModels.Coder, Reply);
    }
}
