using System.Threading.Channels;
using Factory.Dataflow;
using Factory.Dataflow.Hosting.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Factory.Tests.Hosting.Worker;

public sealed class FactoryWorkerRegistrationTests
{
    [Fact]
    public void Registering_a_second_worker_fails_instead_of_being_silently_dropped()
    {
        var services = new ServiceCollection();
        services.AddFactoryWorker(Channel.CreateUnbounded<FeatureRequest>().Reader, Channel.CreateUnbounded<FeatureOutcome>().Writer);

        var error = Assert.Throws<InvalidOperationException>(() =>
            services.AddFactoryWorker(Channel.CreateUnbounded<FeatureRequest>().Reader, Channel.CreateUnbounded<FeatureOutcome>().Writer));

        Assert.Contains("AddFactoryWorker was already called", error.Message);
    }
}
