// Original file: proto/isawatt/v1/control.proto


export interface ListHostsRequest {
}

export interface ListHostsRequest__Output {
}
