using System.Net;
using FastLb.Backends.Hosting;
using FastLb.Backends.Tests.Support;
using Npgsql;

namespace FastLb.Backends.Tests.Users;

/// <summary>Contract of the users service, on in-memory stores and on PostgreSQL.</summary>
public sealed class UsersEndpointsTests
{
    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task RegisterLoginMe_HappyPath_TokenIdentifiesUser(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Users, store);
        using HttpClient client = TestBackends.Client(backend);

        var registered = await Http.PostAsync(client, "/api/users/register", new { email = "ann@shop.test", password = "correct horse", name = "Ann" });
        var login = await Http.PostAsync(client, "/api/users/login", new { email = "ANN@shop.test", password = "correct horse" });
        using HttpClient ann = TestBackends.Client(backend, (string)login.Body!["token"]!);
        var me = await Http.GetAsync(ann, "/api/users/me");

        Assert.Equal(HttpStatusCode.Created, registered.Status);
        Assert.Equal("customer", (string?)registered.Body!["roles"]![0]);
        Assert.DoesNotContain("correct horse", registered.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("password", registered.Body.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal((string?)registered.Body["userId"], (string?)me.Body!["userId"]);
        Assert.Equal("Ann", (string?)me.Body["name"]);
    }

    [Fact]
    public async Task Register_OnPostgres_StoresOnlyASaltedPbkdf2Hash()
    {
        string schema = TestServers.NewSchema("users");
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Users, StoreKind.Real, schema);
        using HttpClient client = TestBackends.Client(backend);
        await Http.PostAsync(client, "/api/users/register", new { email = "bob@shop.test", password = "hunter2hunter2", name = "Bob" });
        await Http.PostAsync(client, "/api/users/register", new { email = "eve@shop.test", password = "hunter2hunter2", name = "Eve" });

        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestServers.Postgres) { SearchPath = schema }.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT password_hash FROM users WHERE email IN ('bob@shop.test', 'eve@shop.test')", connection);
        var hashes = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) hashes.Add(reader.GetString(0));
        }

        Assert.Equal(2, hashes.Count);
        Assert.All(hashes, h => Assert.StartsWith("pbkdf2-sha256$1000$", h, StringComparison.Ordinal));
        Assert.All(hashes, h => Assert.DoesNotContain("hunter2", h, StringComparison.Ordinal));
        Assert.NotEqual(hashes[0], hashes[1]);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Register_SameEmailAnyCase_Returns409(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Users, store);
        using HttpClient client = TestBackends.Client(backend);

        await Http.PostAsync(client, "/api/users/register", new { email = "cat@shop.test", password = "password-1", name = "Cat" });
        var again = await Http.PostAsync(client, "/api/users/register", new { email = "Cat@Shop.test", password = "password-2", name = "Cat 2" });

        Http.AssertProblem(again, HttpStatusCode.Conflict, "email");
    }

    [Theory]
    [InlineData("{\"email\": \"nope\", \"password\": \"password-1\", \"name\": \"A\"}", "email")]
    [InlineData("{\"password\": \"password-1\", \"name\": \"A\"}", "email")]
    [InlineData("{\"email\": \"a@shop.test\", \"password\": \"short\", \"name\": \"A\"}", "password")]
    [InlineData("{\"email\": \"a@shop.test\", \"password\": \"password-1\", \"name\": \" \"}", "name")]
    [InlineData("{\"email\": 5}", "email")]
    public async Task Register_BadField_Returns400NamingIt(string json, string field)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Users, StoreKind.Memory);
        using HttpClient client = TestBackends.Client(backend);

        Http.AssertProblem(await Http.PostAsync(client, "/api/users/register", json), HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task Login_WrongPasswordOrUnknownEmail_Returns401(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Users, store);
        using HttpClient client = TestBackends.Client(backend);
        await Http.PostAsync(client, "/api/users/register", new { email = "dan@shop.test", password = "password-1", name = "Dan" });

        Http.AssertProblem(await Http.PostAsync(client, "/api/users/login", new { email = "dan@shop.test", password = "password-2" }), HttpStatusCode.Unauthorized);
        Http.AssertProblem(await Http.PostAsync(client, "/api/users/login", new { email = "nobody@shop.test", password = "password-1" }), HttpStatusCode.Unauthorized);
        Http.AssertProblem(await Http.PostAsync(client, "/api/users/login", new { email = "dan@shop.test" }), HttpStatusCode.BadRequest, "password");
    }

    [Theory]
    [InlineData(StoreKind.Memory)]
    [InlineData(StoreKind.Real)]
    public async Task GetUser_SelfOtherAdmin_Rbac(StoreKind store)
    {
        await using RunningBackend backend = await TestBackends.StartAsync(BackendService.Users, store);
        using HttpClient client = TestBackends.Client(backend);
        var a = await Http.PostAsync(client, "/api/users/register", new { email = "a@shop.test", password = "password-a", name = "A" });
        var b = await Http.PostAsync(client, "/api/users/register", new { email = "b@shop.test", password = "password-b", name = "B" });
        string tokenA = (string)(await Http.PostAsync(client, "/api/users/login", new { email = "a@shop.test", password = "password-a" })).Body!["token"]!;
        string tokenAdmin = (string)(await Http.PostAsync(client, "/api/users/login", new { email = "admin@shop.test", password = "admin-password-1" })).Body!["token"]!;
        using HttpClient asA = TestBackends.Client(backend, tokenA);
        using HttpClient asAdmin = TestBackends.Client(backend, tokenAdmin);

        var self = await Http.GetAsync(asA, $"/api/users/{a.Body!["userId"]}");
        var other = await Http.GetAsync(asA, $"/api/users/{b.Body!["userId"]}");
        var byAdmin = await Http.GetAsync(asAdmin, $"/api/users/{b.Body["userId"]}");
        var unknown = await Http.GetAsync(asAdmin, "/api/users/no-such-user");
        var anonymous = await Http.GetAsync(client, "/api/users/me");
        var forged = await Http.GetAsync(TestBackends.Client(backend, Tokens.Forged()), "/api/users/me");

        Assert.Equal(HttpStatusCode.OK, self.Status);
        Http.AssertProblem(other, HttpStatusCode.Forbidden);
        Assert.Equal("B", (string?)byAdmin.Body!["name"]);
        Http.AssertProblem(unknown, HttpStatusCode.NotFound);
        Http.AssertProblem(anonymous, HttpStatusCode.Unauthorized);
        Http.AssertProblem(forged, HttpStatusCode.Unauthorized);
    }
}
