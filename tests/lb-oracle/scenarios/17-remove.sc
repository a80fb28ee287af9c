# remove (-d) a server and add it back (-a): the kernel takes it back from its
# trash with its connection counts
adm -C
adm -A -t $VIP:$PORT -s rr
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
adm -a -t $VIP:$PORT -r $BE3:80 -m
get 3
adm -d -t $VIP:$PORT -r $BE2:80
get 4
check Ln Lnc S
adm -a -t $VIP:$PORT -r $BE2:80 -m
get 6
check
