using System.Runtime.InteropServices;
using System.Text;

namespace FastLb.Training;

/// <summary>The XGBoost C API (Debian's libxgboost0 1.7) loaded by hand: function pointers from <c>libxgboost.so.0</c>.</summary>
/// <remarks>
/// Loaded explicitly instead of through <c>[DllImport]</c> because the package installs only the
/// versioned <c>libxgboost.so.0</c>, and an explicit load needs no process-wide resolver (no static
/// mutable state) and fails at one place with an install hint. Only training uses this; the
/// managed <see cref="TreeLatencyModel"/> serves without it.
/// </remarks>
internal sealed unsafe class XGBoostLibrary
{
    /// <summary>The shared object loaded.</summary>
    public const string LibraryName = "libxgboost.so.0";

    private readonly delegate* unmanaged<byte*> _getLastError;
    private readonly delegate* unmanaged<int*, int*, int*, void> _version;
    private readonly delegate* unmanaged<float*, ulong, ulong, float, nint*, int> _dmatrixCreateFromMat;
    private readonly delegate* unmanaged<nint, byte*, float*, ulong, int> _dmatrixSetFloatInfo;
    private readonly delegate* unmanaged<nint, int> _dmatrixFree;
    private readonly delegate* unmanaged<nint*, ulong, nint*, int> _boosterCreate;
    private readonly delegate* unmanaged<nint, int> _boosterFree;
    private readonly delegate* unmanaged<nint, byte*, byte*, int> _boosterSetParam;
    private readonly delegate* unmanaged<nint, int, nint, int> _boosterUpdateOneIter;
    private readonly delegate* unmanaged<nint, int, nint*, byte**, ulong, byte**, int> _boosterEvalOneIter;
    private readonly delegate* unmanaged<nint, nint, int, uint, int, ulong*, float**, int> _boosterPredict;
    private readonly delegate* unmanaged<nint, byte*, ulong*, byte**, int> _boosterSaveModelToBuffer;
    private readonly delegate* unmanaged<nint, void*, ulong, int> _boosterLoadModelFromBuffer;
    private readonly delegate* unmanaged<nint, int, int, int, nint*, int> _boosterSlice;

    private XGBoostLibrary(nint handle)
    {
        _getLastError = (delegate* unmanaged<byte*>)Export(handle, "XGBGetLastError");
        _version = (delegate* unmanaged<int*, int*, int*, void>)Export(handle, "XGBoostVersion");
        _dmatrixCreateFromMat = (delegate* unmanaged<float*, ulong, ulong, float, nint*, int>)Export(handle, "XGDMatrixCreateFromMat");
        _dmatrixSetFloatInfo = (delegate* unmanaged<nint, byte*, float*, ulong, int>)Export(handle, "XGDMatrixSetFloatInfo");
        _dmatrixFree = (delegate* unmanaged<nint, int>)Export(handle, "XGDMatrixFree");
        _boosterCreate = (delegate* unmanaged<nint*, ulong, nint*, int>)Export(handle, "XGBoosterCreate");
        _boosterFree = (delegate* unmanaged<nint, int>)Export(handle, "XGBoosterFree");
        _boosterSetParam = (delegate* unmanaged<nint, byte*, byte*, int>)Export(handle, "XGBoosterSetParam");
        _boosterUpdateOneIter = (delegate* unmanaged<nint, int, nint, int>)Export(handle, "XGBoosterUpdateOneIter");
        _boosterEvalOneIter = (delegate* unmanaged<nint, int, nint*, byte**, ulong, byte**, int>)Export(handle, "XGBoosterEvalOneIter");
        _boosterPredict = (delegate* unmanaged<nint, nint, int, uint, int, ulong*, float**, int>)Export(handle, "XGBoosterPredict");
        _boosterSaveModelToBuffer = (delegate* unmanaged<nint, byte*, ulong*, byte**, int>)Export(handle, "XGBoosterSaveModelToBuffer");
        _boosterLoadModelFromBuffer = (delegate* unmanaged<nint, void*, ulong, int>)Export(handle, "XGBoosterLoadModelFromBuffer");
        _boosterSlice = (delegate* unmanaged<nint, int, int, int, nint*, int>)Export(handle, "XGBoosterSlice");
    }

    /// <summary>Loads libxgboost.so.0.</summary>
    /// <exception cref="XGBoostMissingException">It is not installed (the message says how to install it).</exception>
    public static XGBoostLibrary Load() => Load(LibraryName);

    /// <summary>Loads XGBoost from <paramref name="libraryName"/> (tests name a missing one).</summary>
    /// <exception cref="XGBoostMissingException">It cannot be loaded (the message says how to install it).</exception>
    public static XGBoostLibrary Load(string libraryName)
    {
        PreferPassiveOpenMpWaits();
        if (!NativeLibrary.TryLoad(libraryName, typeof(XGBoostLibrary).Assembly, DllImportSearchPath.SafeDirectories, out nint handle)
            && !NativeLibrary.TryLoad(libraryName, out handle))
        {
            throw new XGBoostMissingException(
                $"training needs XGBoost's {libraryName}, which is not installed: run `apt-get install libxgboost0` (serving a trained model does not need it)");
        }

        return new XGBoostLibrary(handle);
    }

    /// <summary>The library's version, for reports.</summary>
    public string Version
    {
        get
        {
            int major, minor, patch;
            _version(&major, &minor, &patch);
            return $"{major}.{minor}.{patch}";
        }
    }

    /// <summary>Creates a DMatrix from a row-major float matrix; NaN is missing.</summary>
    public nint CreateMatrix(ReadOnlySpan<float> rowMajor, int rows, int columns)
    {
        if ((long)rows * columns > rowMajor.Length)
        {
            throw new ArgumentException("matrix shorter than rows x columns", nameof(rowMajor));
        }

        nint matrix;
        fixed (float* data = rowMajor)
        {
            Check(_dmatrixCreateFromMat(data, (ulong)rows, (ulong)columns, float.NaN, &matrix));
        }

        return matrix;
    }

    /// <summary>Sets the matrix's labels.</summary>
    public void SetLabels(nint matrix, ReadOnlySpan<float> labels)
    {
        fixed (float* data = labels)
        fixed (byte* field = "label\0"u8)
        {
            Check(_dmatrixSetFloatInfo(matrix, field, data, (ulong)labels.Length));
        }
    }

    /// <summary>Frees a DMatrix.</summary>
    public void FreeMatrix(nint matrix) => Check(_dmatrixFree(matrix));

    /// <summary>Creates a booster that caches predictions for <paramref name="matrices"/>.</summary>
    public nint CreateBooster(ReadOnlySpan<nint> matrices)
    {
        nint booster;
        fixed (nint* data = matrices)
        {
            Check(_boosterCreate(data, (ulong)matrices.Length, &booster));
        }

        return booster;
    }

    /// <summary>Frees a booster.</summary>
    public void FreeBooster(nint booster) => Check(_boosterFree(booster));

    /// <summary>Sets one training parameter.</summary>
    public void SetParam(nint booster, string name, string value)
    {
        fixed (byte* n = Utf8Z(name))
        fixed (byte* v = Utf8Z(value))
        {
            Check(_boosterSetParam(booster, n, v));
        }
    }

    /// <summary>Runs one boosting round on <paramref name="train"/>.</summary>
    public void UpdateOneIteration(nint booster, int iteration, nint train) => Check(_boosterUpdateOneIter(booster, iteration, train));

    /// <summary>XGBoost's evaluation line for one matrix, e.g. <c>[3]\tvalid-rmse:12.5</c>.</summary>
    public string EvaluateOneIteration(nint booster, int iteration, nint matrix, string name)
    {
        byte* result;
        byte[] nameBytes = Utf8Z(name);
        fixed (byte* n = nameBytes)
        {
            byte** names = stackalloc byte*[1];
            names[0] = n;
            Check(_boosterEvalOneIter(booster, iteration, &matrix, names, 1, &result));
        }

        return Marshal.PtrToStringUTF8((nint)result) ?? string.Empty;
    }

    /// <summary>XGBoost's own predictions for every row of <paramref name="matrix"/> (all trees).</summary>
    public float[] Predict(nint booster, nint matrix)
    {
        ulong length;
        float* result;
        Check(_boosterPredict(booster, matrix, 0, 0, 0, &length, &result));
        return new ReadOnlySpan<float>(result, checked((int)length)).ToArray();
    }

    /// <summary>The model as XGBoost's JSON document.</summary>
    public byte[] SaveJson(nint booster)
    {
        ulong length;
        byte* result;
        fixed (byte* config = "{\"format\": \"json\"}\0"u8)
        {
            Check(_boosterSaveModelToBuffer(booster, config, &length, &result));
        }

        return new ReadOnlySpan<byte>(result, checked((int)length)).ToArray();
    }

    /// <summary>Loads a model (JSON or binary) into an empty booster.</summary>
    public void LoadModel(nint booster, ReadOnlySpan<byte> model)
    {
        fixed (byte* data = model)
        {
            Check(_boosterLoadModelFromBuffer(booster, data, (ulong)model.Length));
        }
    }

    /// <summary>A new booster with rounds [<paramref name="begin"/>, <paramref name="end"/>) of <paramref name="booster"/>.</summary>
    public nint Slice(nint booster, int begin, int end)
    {
        nint sliced;
        Check(_boosterSlice(booster, begin, end, 1, &sliced));
        return sliced;
    }

    /// <summary>Sets <c>OMP_WAIT_POLICY=PASSIVE</c> in the native environment unless the user set it, before libgomp starts.</summary>
    /// <remarks>
    /// XGBoost's OpenMP threads spin between parallel regions by default. On a busy machine a
    /// spinning thread holds the core that the thread it waits for needs: 50 rounds on 80k rows
    /// took 13.8 s with 2 threads spinning, 2.4 s passive, 1.3 s on one thread (2 cores, load
    /// average 10). Passive costs little on an idle machine. libgomp reads the variable once,
    /// when it is loaded, and .NET's own environment block is not the native one, hence setenv.
    /// </remarks>
    private static void PreferPassiveOpenMpWaits()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null
            || !NativeLibrary.TryLoad("libc.so.6", out nint libc)
            || !NativeLibrary.TryGetExport(libc, "setenv", out nint address))
        {
            return;
        }

        var setenv = (delegate* unmanaged<byte*, byte*, int, int>)address;
        fixed (byte* name = "OMP_WAIT_POLICY\0"u8)
        fixed (byte* value = "PASSIVE\0"u8)
        {
            setenv(name, value, 0);
        }
    }

    private static nint Export(nint handle, string name)
    {
        if (!NativeLibrary.TryGetExport(handle, name, out nint address))
        {
            throw new XGBoostMissingException($"{LibraryName} lacks {name}: XGBoost 1.7 (Debian libxgboost0) is expected");
        }

        return address;
    }

    private static byte[] Utf8Z(string text)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    private void Check(int status)
    {
        if (status != 0)
        {
            throw new XGBoostException("XGBoost: " + (Marshal.PtrToStringUTF8((nint)_getLastError()) ?? "unknown error"));
        }
    }
}
