using FastLb.Policy.Prediction;

namespace FastLb.Training.Tests;

public sealed class XGBoostLibraryTests
{
    [Fact]
    public void Load_LibraryMissing_SaysHowToInstall()
    {
        var e = Assert.Throws<XGBoostMissingException>(() => XGBoostLibrary.Load("libxgboost-not-here.so.0"));

        Assert.Contains("apt-get install libxgboost0", e.Message);
    }

    [Fact]
    public void Load_Installed_Version17()
    {
        Assert.StartsWith("1.7.", XGBoostLibrary.Load().Version);
    }

    [Fact]
    public void SetParam_UnknownValue_ThrowsXGBoostMessage()
    {
        var xgboost = XGBoostLibrary.Load();
        nint booster = xgboost.CreateBooster([]);
        try
        {
            var e = Assert.Throws<XGBoostException>(() =>
            {
                xgboost.SetParam(booster, "tree_method", "no-such-method");
                xgboost.SaveJson(booster);
            });

            Assert.StartsWith("XGBoost: ", e.Message);
        }
        finally
        {
            xgboost.FreeBooster(booster);
        }
    }
}
