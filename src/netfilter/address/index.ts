/**
 * Addresses and prefixes of both families, below everything that uses them: IPv4 as u32
 * numbers and IPv6 as bigints for the packet path, tagged Address/Prefix for code that
 * takes either, and the text forms iptables, ip6tables and nft print.
 */
export {
  type Address,
  addressFamily,
  canonicalAddress,
  type Family,
  formatAddress,
  isAddress,
  parseAddress,
  sameAddress,
} from './address.ts';
export {
  type Cidr,
  cidrBroadcast,
  cidrContains,
  cidrOverlaps,
  cidrSize,
  formatCidr,
  isCidr,
  LOOPBACK,
  makeCidr,
  nextCidr,
  parseCidr,
  prefixMask,
} from './cidr.ts';
export {
  type Cidr6,
  cidr6Contains,
  cidr6Last,
  cidr6Overlaps,
  cidr6Size,
  formatCidr6,
  isCidr6,
  makeCidr6,
  nextCidr6,
  parseCidr6,
  prefixMask6,
} from './cidr6.ts';
export { AddressError } from './error.ts';
export { canonicalCidr, listingAddress } from './iptables-form.ts';
export { formatIPv4, ipv4Bytes, isIPv4, parseIPv4 } from './ipv4.ts';
export { formatIPv6, IPV6_MAX, ipv6Words, isIPv6, parseIPv6 } from './ipv6.ts';
export {
  canonicalPrefix,
  formatPrefix,
  type Prefix,
  parsePrefix,
  prefixContains,
  prefixFamily,
} from './prefix.ts';
