
namespace FastLb.Simulation.Tests;

public sealed class ScenarioLoaderTests
{
    private const string Valid = """
    {
      "id": "T", "name": "test",
      "backends": [ { "count": 2, "service": { "distribution": "lognormal", "meanMs": 20, "cv": 1 } } ],
      "arrivals": { "process": "poisson", "load": 0.5 }
    }
    """;

    private static ScenarioException ParseFails(string json) =>
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json, "t", "t.json"));

    [Fact]
    public void Parse_Valid_AppliesDefaults()
    {
        Scenario scenario = ScenarioLoader.Parse(Valid, "t", "t.json");

        Assert.Equal(2, scenario.BackendCount);
        Assert.Equal(400, scenario.CapacityRps, 9);
        Assert.Equal(60, scenario.Spec.WarmupS);
        Assert.Equal(600, scenario.DurationS);
        Assert.Equal(1000, scenario.Spec.DeadlineMs);
        Assert.Equal(QueueDiscipline.Fifo, scenario.Spec.Backends![0].Queue);
    }

    [Fact]
    public void Parse_UnknownTopLevelField_NamesIt()
    {
        ScenarioException e = ParseFails(Valid.Replace("\"name\": \"test\",", "\"name\": \"test\", \"warmup\": 10,"));
        Assert.Contains("$.warmup", e.Message);
        Assert.Contains("unknown field", e.Message);
        Assert.Contains("t.json", e.Message);
    }

    [Fact]
    public void Parse_UnknownNestedField_NamesItsPath()
    {
        ScenarioException e = ParseFails(Valid.Replace("\"cv\": 1", "\"cv\": 1, \"meanMS\": 3"));
        Assert.Contains("$.backends[0].service.meanMS", e.Message);
    }

    [Fact]
    public void Parse_BadDistributionWord_NamesTheField()
    {
        ScenarioException e = ParseFails(Valid.Replace("\"lognormal\"", "\"gaussian\""));
        Assert.Contains("$.backends[0].service.distribution", e.Message);
    }

    [Fact]
    public void Parse_WrongType_NamesTheField()
    {
        ScenarioException e = ParseFails(Valid.Replace("\"count\": 2", "\"count\": \"two\""));
        Assert.Contains("$.backends[0].count", e.Message);
    }

    [Fact]
    public void Parse_SeveralBadValues_ReportsEachByPath()
    {
        string json = """
        {
          "id": "T", "name": "test", "deadlineMs": 0,
          "backends": [ { "count": 0, "slots": 4, "service": { "distribution": "pareto", "meanMs": -1, "alpha": 0.9 } } ],
          "arrivals": { "process": "ramp" },
          "schedule": [ { "backend": 7, "fromS": 10, "toS": 5 } ],
          "slowdowns": { "meanIntervalS": 5, "factors": [ { "factor": 2, "p": 0.5 } ] }
        }
        """;

        ScenarioException e = ParseFails(json);

        string[] expected =
        [
            "$.deadlineMs", "$.backends[0].count", "$.backends[0].service.meanMs", "$.backends[0].service.alpha",
            "$.arrivals.steps", "$.schedule[0].backend", "$.schedule[0].toS", "$.schedule[0]: needs", "$.slowdowns.factors: probabilities",
        ];
        foreach (string path in expected)
        {
            Assert.Contains(e.Errors, error => error.StartsWith(path, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Parse_MissingRequiredSections_NamesThem()
    {
        ScenarioException e = ParseFails("""{ "id": "T" }""");
        Assert.Contains(e.Errors, error => error.StartsWith("$.name", StringComparison.Ordinal));
        Assert.Contains(e.Errors, error => error.StartsWith("$.backends", StringComparison.Ordinal));
        Assert.Contains(e.Errors, error => error.StartsWith("$.arrivals", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_LoadDependenceWithQueue_IsRejected()
    {
        ScenarioException e = ParseFails(Valid.Replace("\"count\": 2,", "\"count\": 2, \"loadDependence\": { \"knee\": 4, \"slope\": 0.15 },"));
        Assert.Contains("$.backends[0].loadDependence", e.Message);
    }

    [Fact]
    public void Parse_NotJson_NamesTheFileAndPosition()
    {
        ScenarioException e = ParseFails("{ \"id\": ");
        Assert.StartsWith("t.json: $", e.Message);
    }

    [Theory]
    [InlineData("S1", 10, 2000.0, 600.0)]
    [InlineData("S2", 10, 1400.0, 600.0)]
    [InlineData("S3", 10, 2000.0, 600.0)]
    [InlineData("S4", 10, 2000.0, 600.0)]
    [InlineData("S5", 10, 1640.0, 300.0)]
    [InlineData("S5b", 10, 1640.0, 300.0)]
    [InlineData("S6", 10, 2000.0, 600.0)]
    [InlineData("S7", 10, 2000.0, 600.0)]
    public void Load_ShippedScenario_MatchesScenariosMd(string name, int backends, double capacity, double duration)
    {
        Scenario scenario = SimTestScenarios.Load(name);

        Assert.Equal(backends, scenario.BackendCount);
        Assert.Equal(capacity, scenario.CapacityRps, 6);
        Assert.Equal(duration, scenario.DurationS);
        Assert.Equal(60, scenario.Spec.WarmupS);
        Assert.Equal(1000, scenario.Spec.DeadlineMs);
        Assert.Equal(name, scenario.Spec.Id);
    }

    [Fact]
    public void Resolve_ByIdFileNameOrStem_FindsTheFile()
    {
        string folder = SimTestScenarios.Folder();

        Assert.EndsWith("S3-degradation.json", ScenarioCatalog.Resolve(folder, "s3"));
        Assert.EndsWith("S3-degradation.json", ScenarioCatalog.Resolve(folder, "S3-degradation"));
        Assert.EndsWith("S5b-antagonists-4-balancers.json", ScenarioCatalog.Resolve(folder, "S5b"));
        Assert.Null(ScenarioCatalog.Resolve(folder, "S9"));
    }
}
