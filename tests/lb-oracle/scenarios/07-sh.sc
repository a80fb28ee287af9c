# sh: one connection from each of 9 sources, twice, and 3 from the client
adm -C
adm -A -t $VIP:$PORT -s sh
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 1 10.10.0.21
get 1 10.10.0.22
get 1 10.10.0.23
get 1 10.10.0.24
get 1 10.10.0.25
get 1 10.10.0.26
get 1 10.10.0.27
get 1 10.10.0.28
get 1 10.10.0.29
get 1 10.10.0.21
get 1 10.10.0.22
get 1 10.10.0.23
get 1 10.10.0.24
get 1 10.10.0.25
get 1 10.10.0.26
get 1 10.10.0.27
get 1 10.10.0.28
get 1 10.10.0.29
get 3
check
