using System.Reflection;
using System.Reflection.Emit;

namespace FastLb.Architecture.Tests;

/// <summary>Every IL opcode by its encoding, built once from the fields of <see cref="OpCodes"/>.</summary>
internal static class IlOpCodeTable
{
    private static readonly OpCode?[] OneByte = new OpCode?[256];
    private static readonly OpCode?[] TwoByte = new OpCode?[256];

    static IlOpCodeTable()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is not OpCode op)
                continue;
            var value = (ushort)op.Value;
            if (op.Size == 1)
                OneByte[value] = op;
            else
                TwoByte[value & 0xFF] = op; // two-byte opcodes are 0xFE followed by this byte
        }
    }

    /// <summary>Reads the opcode at <paramref name="offset"/> and advances past it (not its operand).</summary>
    /// <exception cref="InvalidOperationException">The bytes are not a known opcode.</exception>
    public static OpCode Read(byte[] il, ref int offset)
    {
        var first = il[offset++];
        var op = first == 0xFE ? TwoByte[il[offset++]] : OneByte[first];
        return op ?? throw new InvalidOperationException($"Unknown IL opcode 0x{first:X2} at offset {offset - 1}.");
    }

    /// <summary>The size in bytes of the operand of <paramref name="op"/>, which starts at <paramref name="offset"/>.</summary>
    public static int OperandSize(OpCode op, byte[] il, int offset) => op.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        // a switch is a 4-byte count followed by that many 4-byte targets
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, offset),
        _ => 4, // InlineI, InlineBrTarget, ShortInlineR and every token operand
    };
}
