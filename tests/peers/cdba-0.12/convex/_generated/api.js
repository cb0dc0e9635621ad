// Hand-written stand-in for the generated api: anyApi builds a reference for any path, which is
// what the generated file does at run time too.
import { anyApi, componentsGeneric } from "convex/server";

export const api = anyApi;
export const internal = anyApi;
export const components = componentsGeneric();
