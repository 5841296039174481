// Search kernels: quantized first passes over a row-major matrix of unit vectors.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// Quantizes rows `(rows, dims)` to int8 stored biased by +128 (values 1...255), one scale per row.
/// `scale[i] * (q[i,j] - 128)` approximates `m[i,j]`; `resid[i]` is the L2 norm of the rounding error,
/// `qnorm[i]` the L2 norm of the dequantized row (both feed the certified error bound of a search).
void cited_quantize_rows_u8(const float *m, size_t rows, size_t dims,
                            uint8_t *q, float *scale, float *resid, float *qnorm);

/// Quantizes one query to int8 in [-64, 64] (the bound that keeps `maddubs` from saturating).
/// Returns the scale; `*error_norm` receives the L2 norm of the rounding error.
float cited_quantize_query_i8(const float *x, size_t dims, int8_t *q, float *error_norm);

/// `out[i] = sum_j (m[i,j] - 128) * x[j]` for biased-uint8 rows `(rows, dims)` and a query with |x[j]| <= 64.
void cited_dot_u8i8_rows(const uint8_t *m, size_t rows, size_t dims, const int8_t *x, int32_t *out);

/// Sign bits of each row, `(rows, words)` with `words = (dims + 63) / 64`; bit j set when m[i,j] > 0.
void cited_sign_bits_rows(const float *m, size_t rows, size_t dims, uint64_t *bits);

/// Hamming distances between packed sign rows `(rows, words)` and one packed query.
void cited_hamming_rows(const uint64_t *bits, size_t rows, size_t words, const uint64_t *q, uint32_t *out);

/// Asymmetric binary scores: `out[i] = sum_p weights[p] * popcount(bits[i] & planes[p])`, `planes` `(nplanes, words)`.
/// With a query's 4-bit levels split into bit planes (weights 1, 2, 4, 8) plus an all-ones plane carrying
/// the level offset, this is sum_j level_j * bit_ij: a dot product of the query with each row's sign bits.
void cited_bitplane_rows(const uint64_t *bits, size_t rows, size_t words,
                         const uint64_t *planes, const int32_t *weights, int nplanes, int32_t *out);

/// `out[i] = dot(m[rows[i]], x)` in fp32 for a list of row indices (exact rescoring of a shortlist).
void cited_dot_f32_gather(const float *m, size_t dims, const int64_t *rows, size_t count,
                          const float *x, float *out);

/// Asymmetric binary scores by byte lookup: `out[i] = sum_b lut[b * 256 + bytes[i, b]]`, rows `(rows, nbytes)`.
/// With `lut[b][v]` the (scaled) sum of the query's components whose sign bits are set in byte value `v`,
/// this is the query's dot product with each row's sign bits.
void cited_lut8_rows(const uint8_t *bytes, size_t rows, size_t nbytes, const int16_t *lut, int32_t *out);

/// `out[i] = sum_j (m[rows[i], j] - 128) * x[j]` for a list of rows (int8 rescoring of a shortlist).
void cited_dot_u8i8_gather(const uint8_t *m, size_t dims, const int64_t *rows, size_t count,
                           const int8_t *x, int32_t *out);
