/*
 * ProcessPrng for Wine 8.0, which lacks bcryptprimitives.dll: Rust's standard library draws its
 * random numbers from it on Windows (since Rust 1.78), so a Windows test binary does not even
 * load without it. scripts/test-windows builds this into the test prefix only; a real Windows
 * has the system's own. The bytes come from RtlGenRandom (advapi32's SystemFunction036), the
 * generator Rust used before.
 */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
